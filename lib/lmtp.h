/*
 * lmtp - (not yet written)
 */
#ifndef MOIM_LMTP_H
#define MOIM_LMTP_H
#endif
