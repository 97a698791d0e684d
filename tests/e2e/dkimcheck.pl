#!/usr/bin/perl
# dkimcheck.pl - Mail::DKIM's view of a message: DKIM and ARC verdicts
#
# SYNOPSIS
#	dkimcheck.pl DNSPORT FILE...
# DESCRIPTION
#	Verifies every DKIM-Signature of FILE with Mail::DKIM::Verifier and
#	its ARC chain with Mail::DKIM::ARC::Verifier (libmail-dkim-perl),
#	asking the test DNS server on 127.0.0.1:DNSPORT (dnsd.py) for the
#	keys, and prints for each FILE, like dkimcheck.py:
#	    == FILE
#	    dkim pass d=lists.example.org a=rsa-sha256
#	    arc pass
#	one line per signature in the order Mail::DKIM gives them, then the
#	chain's result (none, pass or fail) and its detail as a comment.
# SEE ALSO
#	tests/e2e/dkimcheck.py, tests/e2e/dkim_test.sh
use strict;
use warnings;
use Mail::DKIM::ARC::Verifier;
use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($port, @files) = @ARGV;
die "usage: dkimcheck.pl DNSPORT FILE...\n" unless @files;
Mail::DKIM::DNS::resolver(Net::DNS::Resolver->new(
	nameservers => ['127.0.0.1'], port => $port, recurse => 1,
	udp_timeout => 5, tcp_timeout => 5, retry => 1));

for my $file (@files) {
	print "== $file\n";
	verify($file);
}

sub verify {
	my ($file) = @_;
	open(my $fh, '<', $file) or die "$file: $!\n";
	my $text = do { local $/; <$fh> };
	close($fh);
	$text =~ s/\r?\n/\r\n/g;

	my $v = Mail::DKIM::Verifier->new();
	$v->PRINT($text);
	$v->CLOSE();
	for my $s ($v->signatures) {
		printf "dkim %s d=%s a=%s\n", $s->result, $s->domain // '-',
		    $s->algorithm // '-';
		printf "# dkim: %s\n", $s->result_detail if $s->result ne 'pass';
}
	my $a = Mail::DKIM::ARC::Verifier->new();
	$a->PRINT($text);
	$a->CLOSE();
	printf "arc %s\n# arc: %s\n", $a->result, $a->result_detail // '';
}
