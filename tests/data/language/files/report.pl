#!/usr/bin/perl
use strict;
use warnings;
use Getopt::Long;

my $min = 0;
GetOptions('min=i' => \$min) or die "usage: $0 [--min N] FILE\n";

my %count;
while (my $line = <>) {
    chomp $line;
    next unless $line =~ /^(\w+)\s+(\d+)$/;
    $count{$1} += $2;
}

for my $key (sort { $count{$b} <=> $count{$a} } keys %count) {
    next if $count{$key} < $min;
    printf "%-20s %6d\n", $key, $count{$key};
}
