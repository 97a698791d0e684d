/*
 * store - (not yet written)
 */
#include "config.h"

#include "store.h"
