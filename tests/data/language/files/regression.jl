using LinearAlgebra, Statistics

struct LinearModel{T<:Real}
    coef::Vector{T}
end

function fit(X::AbstractMatrix{T}, y::AbstractVector{T}) where {T<:Real}
    Xb = hcat(ones(T, size(X, 1)), X)
    LinearModel(Xb \ y)
end

predict(m::LinearModel, X::AbstractMatrix) = hcat(ones(size(X, 1)), X) * m.coef

X = randn(100, 2)
y = 1.0 .+ X * [2.0, -3.0] .+ 0.1 .* randn(100)
m = fit(X, y)
println("coefficients: ", round.(m.coef; digits=2), " r2=", cor(predict(m, X), y)^2)
