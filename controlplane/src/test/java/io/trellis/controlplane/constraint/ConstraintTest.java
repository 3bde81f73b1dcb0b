package io.trellis.controlplane.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintTest {
    private final Node worker = Fixtures.worker("abc123", Map.of("zone", "East", "Tier", "web"));
    private final Node manager = Fixtures.node("m1");

    private static boolean holds(String expression, Node n) {
        return Constraint.parse(expression).matches(n);
    }

    @Test
    void matchesEachKeyWithEqualsAndNotEquals() {
        assertThat(holds("node.role==worker", worker)).isTrue();
        assertThat(holds("node.role == manager", worker)).isFalse();
        assertThat(holds("node.role!=manager", worker)).isTrue();
        assertThat(holds("node.role==MANAGER", manager)).isTrue();
        assertThat(holds("node.hostname==host-abc123", worker)).isTrue();
        assertThat(holds("node.hostname!=host-abc123", worker)).isFalse();
        assertThat(holds("node.id==abc123", worker)).isTrue();
        assertThat(holds("node.id==abc", worker)).isFalse(); // whole IDs only
        assertThat(holds("NODE.ID==abc123", worker)).isTrue();
    }

    @Test
    void labelValuesIgnoreCaseButLabelNamesDoNot() {
        assertThat(holds("node.labels.zone==east", worker)).isTrue();
        assertThat(holds("node.labels.Tier==web", worker)).isTrue();
        assertThat(holds("node.labels.tier==web", worker)).isFalse();
    }

    @Test
    void missingLabelReadsAsEmpty() {
        assertThat(holds("node.labels.gpu==yes", worker)).isFalse();
        assertThat(holds("node.labels.gpu!=yes", worker)).isTrue();
        assertThat(holds("node.labels.gpu!=yes", manager)).isTrue();
    }

    @Test
    void severalConstraintsMustAllHold() {
        List<Constraint> both = Constraint.parseAll(List.of("node.role==worker", "node.labels.zone==east"));
        assertThat(Constraint.matchAll(both, worker)).isTrue();
        assertThat(Constraint.matchAll(both, manager)).isFalse();
        assertThat(Constraint.matchAll(List.of(), manager)).isTrue();
    }

    @Test
    void rejectsMalformedExpressionsWithOneLine() {
        assertThatThrownBy(() -> Constraint.parse("node.role=manager"))
                .hasMessage("invalid constraint \"node.role=manager\": expected KEY==VALUE or KEY!=VALUE");
        assertThatThrownBy(() -> Constraint.parse("node.role==manager!=worker"))
                .hasMessageContaining("expected KEY==VALUE or KEY!=VALUE");
        assertThatThrownBy(() -> Constraint.parse("a==b==c")).hasMessageContaining("expected KEY==VALUE");
        assertThatThrownBy(() -> Constraint.parse("node.role!==manager")).hasMessageContaining("expected KEY==VALUE");
        assertThatThrownBy(() -> Constraint.parse("engine.labels.x==y"))
                .hasMessage("invalid constraint \"engine.labels.x==y\": KEY must be node.id, node.hostname,"
                        + " node.role or node.labels.NAME");
        assertThatThrownBy(() -> Constraint.parse("node.labels.==y")).hasMessageContaining("KEY must be");
        assertThatThrownBy(() -> Constraint.parse("==y")).hasMessageContaining("key \"\" is invalid");
        assertThatThrownBy(() -> Constraint.parse("node.labels.zone==")).hasMessageContaining("value \"\" is invalid");
        assertThatThrownBy(() -> Constraint.parse("node.labels.zone==a\"b")).hasMessageContaining("is invalid");
        assertThatThrownBy(() -> Constraint.parse("node.role==admin")).hasMessageContaining("manager or worker");
        assertThatThrownBy(() -> Constraint.parse(null)).hasMessageContaining("expected KEY==VALUE");
    }
}
