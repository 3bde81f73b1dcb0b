package io.trellis.controlplane.ca;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.MutableClock;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.Recipients;
import io.trellis.controlplane.atrest.SealedBox;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeIdentity;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** Admission over a real store and the real CA: tokens decide roles, the store decides renewals. */
class AdmissionTest {
    private static final String UNLOCK_KEY = "SWMKEY-1-test";
    /** One CA for the class: key generation is the slow part, and no test changes it. */
    private static final CertificateAuthority CA = CertificateAuthority.create("c1", new MutableClock(T0));
    private static final CertificateAuthority FOREIGN_CA = CertificateAuthority.create("c2", new MutableClock(T0));
    /** Every node may as well use the same key here: identity comes from the certificate's subject. */
    private static final KeyPair NODE_KEY = CertificateRequests.newKeyPair();

    private final MutableClock clock = new MutableClock(T0);
    private final byte[] dataKey = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final String workerToken = JoinToken.generate(CA.certificate()).toString();
    private final String managerToken = JoinToken.generate(CA.certificate()).toString();
    private final ClusterStore store = new ClusterStore();
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final Admission admission = new Admission(store, writer, dataKey, clock);
    private final KeyPair nodeKey = NODE_KEY;

    AdmissionTest() {
        commit(new StoreOp.InitCluster(new ClusterInfo("c1", T0, Pem.encode(CA.certificate()), Pem.encode(CA.key()),
                workerToken, managerToken, UNLOCK_KEY)));
        commit(new StoreOp.PutNode(Fixtures.node("m1")));
    }

    @Test
    void aWorkerTokenAdmitsAWorkerWithoutTheDataKey() throws Exception {
        clock.advance(Duration.ofHours(1));
        ClusterMessages.JoinResponse r = admission.join(request(workerToken, csr(nodeKey), null, null));

        assertThat(r.role()).isEqualTo("worker");
        assertThat(r.clusterId()).isEqualTo("c1");
        assertThat(r.ca()).isEqualTo(Pem.encode(CA.certificate()));
        assertThat(r.dataKey()).isNull();
        assertThat(r.unlockKey()).isNull();
        assertThat(r.managers()).containsExactly("127.0.0.1:2377");
        X509Certificate cert = signedByOurCa(r.certificate());
        assertThat(NodeIdentity.of(cert)).isEqualTo(new NodeIdentity(r.nodeId(), NodeRole.WORKER, "c1"));
        assertThat(cert.getPublicKey()).isEqualTo(nodeKey.getPublic());
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(CertificateAuthority.NODE_VALIDITY_DEFAULT));

        Node n = store.view().nodes().get(r.nodeId());
        assertThat(n.role()).isEqualTo(Node.Role.WORKER);
        assertThat(n.status()).isEqualTo(Node.Status.UNKNOWN);
        assertThat(n.hostname()).isEqualTo("joiner");
        assertThat(n.address()).isEqualTo("10.0.0.7");
        assertThat(n.managerAddr()).isNull();
        assertThat(n.createdAt()).isEqualTo(clock.millis());
        assertThat(n.resources()).isEqualTo(new NodeResources(2_000_000_000L, 4L << 30));
    }

    @Test
    void aManagerTokenAdmitsAManagerAndHandsItTheDataKey() throws Exception {
        ClusterMessages.JoinResponse r = admission.join(request(managerToken, csr(nodeKey), "10.0.0.7:2378",
                "10.0.0.7:2377"));

        assertThat(r.role()).isEqualTo("manager");
        assertThat(KeyRing.decode(Base64.getDecoder().decode(r.dataKey()))).isEqualTo(KeyRing.of(dataKey));
        assertThat(r.unlockKey()).isEqualTo(UNLOCK_KEY);
        assertThat(NodeIdentity.of(signedByOurCa(r.certificate())))
                .isEqualTo(new NodeIdentity(r.nodeId(), NodeRole.MANAGER, "c1"));
        Node n = store.view().nodes().get(r.nodeId());
        assertThat(n.role()).isEqualTo(Node.Role.MANAGER);
        assertThat(n.managerAddr()).isEqualTo("10.0.0.7:2377");
        assertThat(Recipients.decode(n.publicKey())).isEqualTo(nodeKey.getPublic());
    }

    @Test
    void joiningManagersGetTheRingAsThisManagerHoldsItNow() throws Exception {
        KeyRing[] now = {KeyRing.of(dataKey)};
        Admission live = new Admission(store, writer, () -> now[0], clock);
        now[0] = now[0].with(2, SealedBox.newKey());

        ClusterMessages.JoinResponse r = live.join(request(managerToken, csr(nodeKey), "10.0.0.7:2378",
                "10.0.0.7:2377"));

        assertThat(KeyRing.decode(Base64.getDecoder().decode(r.dataKey()))).isEqualTo(now[0]);
        assertThat(KeyRing.decode(Base64.getDecoder().decode(live.dataKeyFor(r.nodeId()).dataKey())))
                .isEqualTo(now[0]);
    }

    @Test
    void theCertificateNamesTheNodeWhateverTheCsrClaims() throws Exception {
        PKCS10CertificationRequest claimsManager = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("O=c1,OU=swarm-manager,CN=m1"), nodeKey.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(nodeKey.getPrivate()));

        ClusterMessages.JoinResponse r = admission.join(request(workerToken, Pem.encode(claimsManager), null, null));

        assertThat(NodeIdentity.of(Pem.certificate(r.certificate())))
                .isEqualTo(new NodeIdentity(r.nodeId(), NodeRole.WORKER, "c1"));
        assertThat(r.nodeId()).isNotEqualTo("m1");
    }

    @Test
    void rotatedForeignAndMalformedTokensAreRefusedAndNothingIsRecorded() {
        String rotated = workerToken;
        commit(new StoreOp.SetJoinTokens(JoinToken.generate(CA.certificate()).toString(), managerToken));
        JoinToken ours = JoinToken.parse(managerToken);
        String ourSecretForeignCa = new JoinToken(JoinToken.generate(FOREIGN_CA.certificate()).caDigest(),
                ours.secret()).toString();
        String foreign = JoinToken.generate(FOREIGN_CA.certificate()).toString();
        ClusterSnapshot before = store.view();

        for (String token : List.of(rotated, ourSecretForeignCa, foreign)) {
            assertRefused(() -> admission.join(request(token, csr(nodeKey), "a:2378", "a:2377")),
                    ApiException.Kind.UNAUTHORIZED, "invalid join token: it was rotated or belongs to another swarm");
        }
        assertRefused(() -> admission.join(request("SWMTKN-1-abc-def", csr(nodeKey), null, null)),
                ApiException.Kind.INVALID, "invalid join token: expected SWMTKN-1-<50 characters>-<25 characters> of [0-9a-z]");
        assertRefused(() -> admission.join(request(null, csr(nodeKey), null, null)),
                ApiException.Kind.INVALID, "invalid join token: it must start with SWMTKN-1-");
        assertThat(store.view()).isSameAs(before);
    }

    @Test
    void incompleteRequestsAndBadCsrsAreRefusedWithOneLine() throws Exception {
        ClusterSnapshot before = store.view();
        assertRefused(() -> admission.join(request(managerToken, csr(nodeKey), null, "a:2377")),
                ApiException.Kind.INVALID, "the join request lacks the node's Raft address");
        assertRefused(() -> admission.join(new ClusterMessages.JoinRequest(workerToken, csr(nodeKey), " ", "a", null,
                null, null)), ApiException.Kind.INVALID, "the join request lacks the node's hostname");
        assertRefused(() -> admission.join(request(workerToken, "not a csr", null, null)),
                ApiException.Kind.INVALID, "invalid certificate signing request: no PEM certificate signing request found");
        // A CSR for one key signed by another proves nothing.
        KeyPair other = CertificateRequests.newKeyPair();
        PKCS10CertificationRequest forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"),
                nodeKey.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate()));
        assertRefused(() -> admission.join(request(workerToken, Pem.encode(forged), null, null)),
                ApiException.Kind.INVALID, "the certificate signing request's signature does not verify");
        assertThat(store.view()).isSameAs(before);
    }

    @Test
    void aRenewalIsForTheRoleTheStoreHoldsNow() throws Exception {
        String id = admission.join(request(workerToken, csr(nodeKey), null, null)).nodeId();
        KeyPair renewed = CertificateRequests.newKeyPair();

        ClusterMessages.RenewResponse asWorker = admission.renew(id, new ClusterMessages.RenewRequest(csr(renewed)));
        assertThat(asWorker.role()).isEqualTo("worker");
        X509Certificate cert = signedByOurCa(asWorker.certificate());
        assertThat(NodeIdentity.of(cert)).isEqualTo(new NodeIdentity(id, NodeRole.WORKER, "c1"));
        assertThat(cert.getPublicKey()).isEqualTo(renewed.getPublic());
        // Rotated data keys are wrapped for the key of the node's current certificate.
        assertThat(Recipients.decode(store.view().nodes().get(id).publicKey())).isEqualTo(renewed.getPublic());

        Node n = store.view().nodes().get(id);
        commit(new StoreOp.PutNode(new Node(n.id(), n.hostname(), Node.Role.MANAGER, n.availability(), n.status(),
                n.address(), n.engineVersion(), n.labels(), n.createdAt(), T0, "10.0.0.7:2377")));
        ClusterMessages.RenewResponse asManager = admission.renew(id, new ClusterMessages.RenewRequest(csr(renewed)));
        assertThat(asManager.role()).isEqualTo("manager");
        assertThat(NodeIdentity.of(signedByOurCa(asManager.certificate())).role()).isEqualTo(NodeRole.MANAGER);

        assertRefused(() -> admission.renew("gone", new ClusterMessages.RenewRequest(csr(renewed))),
                ApiException.Kind.NOT_FOUND, "node gone is not part of this swarm");
    }

    @Test
    void aWorkerCannotRenewIntoAManagerCertificate() throws Exception {
        String id = admission.join(request(workerToken, csr(nodeKey), null, null)).nodeId();
        PKCS10CertificationRequest claimsManager = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("O=c1,OU=swarm-manager,CN=" + id), nodeKey.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(nodeKey.getPrivate()));

        ClusterMessages.RenewResponse r = admission.renew(id, new ClusterMessages.RenewRequest(Pem.encode(claimsManager)));

        assertThat(r.role()).isEqualTo("worker");
        assertThat(NodeIdentity.of(Pem.certificate(r.certificate())).role()).isEqualTo(NodeRole.WORKER);
    }

    @Test
    void theDataKeyGoesToManagersOnly() throws Exception {
        ClusterMessages.DataKey key = admission.dataKeyFor("m1");
        assertThat(KeyRing.decode(Base64.getDecoder().decode(key.dataKey()))).isEqualTo(KeyRing.of(dataKey));
        assertThat(key.unlockKey()).isEqualTo(UNLOCK_KEY);

        String worker = admission.join(request(workerToken, csr(nodeKey), null, null)).nodeId();
        for (String id : List.of(worker, "gone")) {
            assertRefused(() -> admission.dataKeyFor(id), ApiException.Kind.FORBIDDEN,
                    "only managers may hold the cluster store's key");
        }
    }

    @Test
    void aSwarmWithoutPkiAdmitsNobody() {
        Admission bare = new Admission(Fixtures.storeWith(), writer, dataKey, clock);
        assertRefused(() -> bare.join(request(workerToken, csr(nodeKey), null, null)),
                ApiException.Kind.UNAVAILABLE, "this swarm has no PKI yet");
    }

    private static ClusterMessages.JoinRequest request(String token, String csr, String raftAddr, String managerAddr) {
        return new ClusterMessages.JoinRequest(token, csr, "joiner", "10.0.0.7", raftAddr, managerAddr, "test",
                new NodeResources(2_000_000_000L, 4L << 30));
    }

    private static String csr(KeyPair key) {
        return Pem.encode(CertificateRequests.create(key));
    }

    private static X509Certificate signedByOurCa(String pem) throws Exception {
        X509Certificate cert = Pem.certificate(pem);
        cert.verify(CA.certificate().getPublicKey());
        return cert;
    }

    private static void assertRefused(ThrowingCallable call, ApiException.Kind kind, String message) {
        assertThatThrownBy(call).isInstanceOf(ApiException.class).hasMessage(message)
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(kind);
    }

    private void commit(StoreOp op) {
        assertThat(writer.submit(StoreBatch.of(op)).ok()).isTrue();
    }
}
