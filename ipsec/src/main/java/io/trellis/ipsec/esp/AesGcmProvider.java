package io.trellis.ipsec.esp;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import javax.crypto.Cipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which AES-GCM ESP uses in this JVM, chosen once: AWS-LC through the Amazon Corretto Crypto Provider
 * (ACCP) where its native library loads, else the JDK's SunJCE. Both are used only through JCA
 * ({@code Cipher "AES/GCM/NoPadding"}); ACCP is not installed as a JVM-wide provider, so nothing else in
 * the process changes behaviour because ESP uses it.
 *
 * <p>{@code -Dtrellis.esp.cipher=auto} (default) picks as above, {@code =jdk} forces SunJCE,
 * {@code =accp} refuses to run ESP without ACCP. The choice and its reason are logged once and
 * available as {@link #status()} for the startup line and metrics.
 */
public final class AesGcmProvider {
    public static final String PROPERTY = "trellis.esp.cipher";
    private static final Logger LOG = LoggerFactory.getLogger(AesGcmProvider.class);
    private static final Choice CHOICE = Choice.make();

    private AesGcmProvider() {
    }

    /** The provider every ESP {@code Cipher} comes from. */
    public static Provider provider() {
        if (CHOICE.failure != null) {
            throw new IllegalStateException(CHOICE.failure);
        }
        return CHOICE.provider;
    }

    /** One line for logs and startup banners: which AES-GCM ESP uses here, and why. */
    public static String status() {
        return CHOICE.failure != null ? CHOICE.failure : CHOICE.status;
    }

    /** True if ESP runs on AWS-LC (ACCP) in this JVM. */
    public static boolean accp() {
        return CHOICE.provider instanceof AmazonCorrettoCryptoProvider;
    }

    private record Choice(Provider provider, String status, String failure) {
        static Choice make() {
            String mode = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
            Choice choice;
            switch (mode) {
                case "jdk":
                    choice = jdk("-D" + PROPERTY + "=jdk");
                    break;
                case "auto":
                case "accp":
                    String why = accpProblem();
                    if (why == null) {
                        choice = new Choice(AmazonCorrettoCryptoProvider.INSTANCE, "AES-GCM from AWS-LC (Amazon Corretto Crypto Provider "
                                + AmazonCorrettoCryptoProvider.INSTANCE.getVersionStr() + ")", null);
                    } else if (mode.equals("accp")) {
                        choice = new Choice(null, null, "-D" + PROPERTY + "=accp, but " + why);
                    } else {
                        choice = jdk(why);
                    }
                    break;
                default:
                    choice = new Choice(null, null, "-D" + PROPERTY + "=" + mode + " is not one of auto, accp, jdk");
            }
            if (choice.failure != null) {
                LOG.error("ESP cannot encrypt: {}", choice.failure);
            } else {
                LOG.info("ESP uses {}", choice.status);
            }
            return choice;
        }

        private static Choice jdk(String why) {
            Provider sun = Security.getProvider("SunJCE");
            if (sun == null) {
                return new Choice(null, null, "this JVM has no SunJCE provider and " + why);
            }
            return new Choice(sun, "AES-GCM from the JDK (SunJCE): " + why, null);
        }

        /** Null if ACCP's native library loaded and gives an AES-GCM cipher, else why not. */
        private static String accpProblem() {
            try {
                AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
                Throwable error = accp.getLoadingError();
                if (error != null) {
                    return "the Amazon Corretto Crypto Provider did not load here: " + error;
                }
                Cipher.getInstance("AES/GCM/NoPadding", accp);
                return null;
            } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
                return "the Amazon Corretto Crypto Provider is unusable here: " + e;
            }
        }
    }
}
