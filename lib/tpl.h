/*
 * tpl - (not yet written)
 */
#ifndef MOIM_TPL_H
#define MOIM_TPL_H
#endif
