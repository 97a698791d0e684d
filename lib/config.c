/*
 * config - (not yet written)
 */
#include "config.h"

#include "config.h"
