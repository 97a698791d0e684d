/*
 * mime - (not yet written)
 */
#include "config.h"

#include "mime.h"
