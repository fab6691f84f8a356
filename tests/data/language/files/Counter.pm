package Counter;

use strict;
use warnings;

sub new {
    my ($class, %args) = @_;
    my $self = { count => $args{start} // 0 };
    return bless $self, $class;
}

sub increment {
    my ($self, $by) = @_;
    $self->{count} += $by // 1;
    return $self->{count};
}

sub value { $_[0]->{count} }

1;
