function Y = normalize_rows(X)
%NORMALIZE_ROWS Scale each row of X to unit Euclidean norm.
norms = sqrt(sum(X.^2, 2));
norms(norms == 0) = 1;
Y = bsxfun(@rdivide, X, norms);
end
