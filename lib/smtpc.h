/*
 * smtpc - (not yet written)
 */
#ifndef MOIM_SMTPC_H
#define MOIM_SMTPC_H
#endif
