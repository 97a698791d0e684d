/*
 * dsn - (not yet written)
 */
#ifndef MOIM_DSN_H
#define MOIM_DSN_H
#endif
