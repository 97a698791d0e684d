/*
 * winzone - the IANA zone of a TZID as calendars write it
 *
 * Outlook and Exchange name zones the Windows way ("Korea Standard
 * Time"), old Mozilla calendars prefix the IANA name with a path
 * ("/mozilla.org/20050126_1/Asia/Seoul"). winzone_iana() gives the zone
 * libical knows for either, from CLDR's table, or NULL.
 */
#ifndef MOIM_WINZONE_H
#define MOIM_WINZONE_H

const char *winzone_iana(const char *tzid);
const char *winzone_windows(const char *windows_name);

#endif
