/*
 * token - (not yet written)
 */
#ifndef MOIM_TOKEN_H
#define MOIM_TOKEN_H
#endif
