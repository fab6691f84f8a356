function [x, P] = kalman(z, A, H, Q, R, x0, P0)
% KALMAN  Linear Kalman filter over a sequence of measurements.
%   [x, P] = kalman(z, A, H, Q, R, x0, P0)

n = size(z, 2);
x = zeros(length(x0), n);
P = P0;
xk = x0;
for k = 1:n
    % predict
    xk = A * xk;
    P = A * P * A' + Q;
    % update
    K = P * H' / (H * P * H' + R);
    xk = xk + K * (z(:, k) - H * xk);
    P = (eye(size(P)) - K * H) * P;
    x(:, k) = xk;
end
end
