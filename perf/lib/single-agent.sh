# shellcheck shell=bash
# One `trellis agent` for the start-up and footprint benchmarks (bench-cli.sh, bench-footprint.sh):
# its own temporary data dir and socket, a loopback advertise address of its own (so its ports
# 2377/2378 do not meet another agent's), then `swarm init`. Sourcing it only defines functions and
# $agent_dir, $agent_host, $agent_pid; the functions expect $root (the checkout).

agent_dir="" agent_host="" agent_pid=""

start_agent() { # start_agent [JAVA-COMMAND...]: starts an agent (default: ./trellis agent) and waits until it answers and has a swarm
  local address i
  agent_dir="$(mktemp -d /tmp/trellis-bench-agent.XXXXXX)"
  agent_host="unix://$agent_dir/agent.sock"
  address="127.99.$(($$ % 250)).$((RANDOM % 250 + 1))"
  local launch=("$root/trellis")
  (($#)) && launch=("$@")
  "${launch[@]}" agent --data-dir "$agent_dir/data" --host "$agent_host" --hostname bench \
    --advertise-addr "$address" >"$agent_dir/agent.log" 2>&1 &
  agent_pid=$!
  for ((i = 0; i < 600; i++)); do # up to 60 s: the first start may compile nothing but still loads Ratis
    kill -0 "$agent_pid" 2>/dev/null || { cat "$agent_dir/agent.log" >&2; echo "the agent exited" >&2; return 1; }
    "$root/trellis" node ls -H "$agent_host" >/dev/null 2>&1 && return 0
    if "$root/trellis" swarm init -H "$agent_host" >/dev/null 2>&1; then
      continue
    fi
    sleep 0.1
  done
  echo "the agent did not answer within 60 s (log: $agent_dir/agent.log)" >&2
  return 1
}

stop_agent() { # stop_agent: for the EXIT trap; SIGTERM, wait, remove the data dir
  if [[ -n $agent_pid ]]; then
    kill "$agent_pid" 2>/dev/null || true
    wait "$agent_pid" 2>/dev/null || true
    agent_pid=""
  fi
  if [[ -n $agent_dir ]]; then
    rm -rf "$agent_dir"
    agent_dir=""
  fi
}
