/*
 * dsn - (not yet written)
 */
#include "dsn.h"
