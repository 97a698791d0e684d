/*
 * rsvptext - (not yet written)
 */
#include "rsvptext.h"
