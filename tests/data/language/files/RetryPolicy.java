package io.sample.net;

import java.time.Duration;

public class RetryPolicy {
    private final int maxAttempts;
    private final Duration initialBackoff;

    public RetryPolicy(int maxAttempts, Duration initialBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
    }

    public Duration backoff(int attempt) {
        long factor = 1L << Math.min(attempt, 20);
        return initialBackoff.multipliedBy(factor);
    }

    public boolean shouldRetry(int attempt, Throwable error) {
        return attempt < maxAttempts && !(error instanceof IllegalStateException);
    }
}
