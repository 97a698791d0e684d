/*
 * lmtp - (not yet written)
 */
#include "config.h"

#include "lmtp.h"
