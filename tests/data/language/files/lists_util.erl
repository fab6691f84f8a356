-module(lists_util).
-export([chunk/2, frequencies/1]).

%% @doc Split a list into chunks of at most N elements.
chunk(_, N) when N =< 0 -> erlang:error(badarg);
chunk([], _) -> [];
chunk(L, N) when length(L) =< N -> [L];
chunk(L, N) ->
    {H, T} = lists:split(N, L),
    [H | chunk(T, N)].

frequencies(L) ->
    lists:foldl(fun(X, Acc) -> maps:update_with(X, fun(C) -> C + 1 end, 1, Acc) end, #{}, L).
