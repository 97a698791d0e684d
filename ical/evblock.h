/*
 * evblock - (not yet written)
 */
#ifndef MOIM_EVBLOCK_H
#define MOIM_EVBLOCK_H
#endif
