package io.trellis.workload;

import java.util.ArrayDeque;

/**
 * The queue role's state and its line protocol: {@code PUSH ITEM} → {@code OK} (or {@code ERR full}),
 * {@code POP} → {@code ITEM ITEM} or {@code EMPTY}, {@code LEN} → {@code LEN N}; anything else {@code ERR
 * ...}. An item is one word of at most {@link #MAX_ITEM} printable ASCII characters. In memory only, as the
 * voting app's redis: a restart loses what the worker has not taken yet. Called from one thread
 * ({@link LineServer}).
 */
final class VoteQueue {
    static final int MAX_ITEM = 64;
    static final int DEFAULT_CAPACITY = 100_000;

    private final ArrayDeque<String> items = new ArrayDeque<>();
    private final int capacity;

    VoteQueue(int capacity) {
        this.capacity = capacity;
    }

    String answer(String line) {
        if (line.equals("POP")) {
            String item = items.poll();
            return item == null ? "EMPTY" : "ITEM " + item;
        }
        if (line.equals("LEN")) {
            return "LEN " + items.size();
        }
        if (line.startsWith("PUSH ")) {
            String item = line.substring("PUSH ".length());
            if (!isWord(item)) {
                return "ERR an item is one word of 1-" + MAX_ITEM + " printable characters";
            }
            if (items.size() >= capacity) {
                return "ERR full";
            }
            items.add(item);
            return "OK";
        }
        return "ERR unknown command: use PUSH ITEM, POP or LEN";
    }

    private static boolean isWord(String item) {
        if (item.isEmpty() || item.length() > MAX_ITEM) {
            return false;
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
