defmodule Jobs.MixProject do
  use Mix.Project

  def project do
    [
      app: :jobs,
      version: "0.1.0",
      elixir: "~> 1.15",
      start_permanent: Mix.env() == :prod,
      deps: deps()
    ]
  end

  def application do
    [extra_applications: [:logger], mod: {Jobs.Application, []}]
  end

  defp deps do
    [{:jason, "~> 1.4"}, {:ex_doc, "~> 0.30", only: :dev, runtime: false}]
  end
end
