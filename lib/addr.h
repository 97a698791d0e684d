/*
 * addr - (not yet written)
 */
#ifndef MOIM_ADDR_H
#define MOIM_ADDR_H
#endif
