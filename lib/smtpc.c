/*
 * smtpc - (not yet written)
 */
#include "config.h"

#include "smtpc.h"
