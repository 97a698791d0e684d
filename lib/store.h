/*
 * store - (not yet written)
 */
#ifndef MOIM_STORE_H
#define MOIM_STORE_H
#endif
