/*
 * tpl - (not yet written)
 */
#include "config.h"

#include "tpl.h"
