/*
 * archive - (not yet written)
 */
#ifndef MOIM_ARCHIVE_H
#define MOIM_ARCHIVE_H
#endif
