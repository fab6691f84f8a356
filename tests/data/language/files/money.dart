class Money implements Comparable<Money> {
  final int cents;
  final String currency;

  const Money(this.cents, [this.currency = 'EUR']);

  Money operator +(Money other) {
    if (other.currency != currency) {
      throw ArgumentError('currency mismatch: $currency vs ${other.currency}');
    }
    return Money(cents + other.cents, currency);
  }

  @override
  int compareTo(Money other) => cents.compareTo(other.cents);

  @override
  String toString() => '${(cents / 100).toStringAsFixed(2)} $currency';
}

void main() {
  final total = [const Money(250), const Money(1999)].reduce((a, b) => a + b);
  print(total);
}
