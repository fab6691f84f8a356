use v6;

unit module Grammar;

grammar KeyValue is export {
    token TOP   { <pair>+ %% \n }
    token pair  { <key> '=' <value> }
    token key   { \w+ }
    token value { \N* }
}

sub parse-config(Str $text --> Hash) is export {
    my $m = KeyValue.parse($text) or die "bad config";
    return %( $m<pair>.map({ ~.<key> => ~.<value> }) );
}
