/*
 * evblock - (not yet written)
 */
#include "evblock.h"
