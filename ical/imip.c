/*
 * imip - (not yet written)
 */
#include "imip.h"
