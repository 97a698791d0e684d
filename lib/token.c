/*
 * token - (not yet written)
 */
#include "config.h"

#include "token.h"
