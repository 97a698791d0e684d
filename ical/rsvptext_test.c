/*
 * rsvptext_test - (not yet written)
 */
#include <stdio.h>

int
main(void)
{
	puts("1..0 # SKIP not yet written");
	return 0;
}
