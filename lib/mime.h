/*
 * mime - (not yet written)
 */
#ifndef MOIM_MIME_H
#define MOIM_MIME_H
#endif
