library(dplyr)
library(ggplot2)

data <- read.csv("measurements.csv", stringsAsFactors = FALSE)

summary_by_group <- data %>%
  filter(!is.na(value)) %>%
  group_by(group) %>%
  summarise(mean = mean(value), sd = sd(value), n = n())

print(summary_by_group)

p <- ggplot(data, aes(x = group, y = value)) +
  geom_boxplot() +
  theme_minimal()
ggsave("boxplot.png", p, width = 6, height = 4)

fit <- lm(value ~ group, data = data)
summary(fit)
