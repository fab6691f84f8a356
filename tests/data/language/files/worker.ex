defmodule Jobs.Worker do
  use GenServer
  require Logger

  def start_link(opts) do
    GenServer.start_link(__MODULE__, opts, name: Keyword.get(opts, :name, __MODULE__))
  end

  def enqueue(server \\ __MODULE__, job), do: GenServer.cast(server, {:enqueue, job})

  @impl true
  def init(_opts), do: {:ok, %{queue: :queue.new(), done: 0}}

  @impl true
  def handle_cast({:enqueue, job}, state) do
    send(self(), :work)
    {:noreply, %{state | queue: :queue.in(job, state.queue)}}
  end

  @impl true
  def handle_info(:work, %{queue: q} = state) do
    case :queue.out(q) do
      {{:value, job}, rest} ->
        Logger.info("running #{inspect(job)}")
        {:noreply, %{state | queue: rest, done: state.done + 1}}
      {:empty, _} ->
        {:noreply, state}
    end
  end
end
