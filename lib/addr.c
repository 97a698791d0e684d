/*
 * addr - (not yet written)
 */
#include "config.h"

#include "addr.h"
