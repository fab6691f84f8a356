% Plot a noisy sine wave and its moving average
fs = 1000;
t = 0:1/fs:1;
signal = sin(2*pi*5*t) + 0.3*randn(size(t));
smoothed = movmean(signal, 25);

figure;
plot(t, signal, 'Color', [0.7 0.7 0.7]);
hold on;
plot(t, smoothed, 'b', 'LineWidth', 2);
xlabel('Time (s)');
ylabel('Amplitude');
legend({'raw', 'moving mean'});
title(sprintf('5 Hz sine, %d samples', numel(t)));
