module Primes

export sieve, isprime

function sieve(n::Integer)
    n < 2 && return Int[]
    flags = trues(n)
    flags[1] = false
    for i in 2:isqrt(n)
        if flags[i]
            for j in i*i:i:n
                flags[j] = false
            end
        end
    end
    return findall(flags)
end

isprime(n::Integer) = n > 1 && all(n % d != 0 for d in 2:isqrt(n))

end # module
