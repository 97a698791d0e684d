/*
 * rsvptext - (not yet written)
 */
#ifndef MOIM_RSVPTEXT_H
#define MOIM_RSVPTEXT_H
#endif
