/*
 * imip - (not yet written)
 */
#ifndef MOIM_IMIP_H
#define MOIM_IMIP_H
#endif
