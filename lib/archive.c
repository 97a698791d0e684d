/*
 * archive - (not yet written)
 */
#include "archive.h"
