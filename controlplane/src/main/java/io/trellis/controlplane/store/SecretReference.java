package io.trellis.controlplane.store;

/**
 * A secret a service's tasks see as a file: {@code --secret source=NAME,target=ALIAS,uid=,gid=,mode=}.
 *
 * @param secretId   the secret's ID in the store
 * @param secretName its name when the reference was made (for listings)
 * @param target     the file name under {@code /run/secrets/}; the secret's name by default
 * @param uid        owner of the file (default 0)
 * @param gid        group of the file (default 0)
 * @param mode       permission bits of the file (default 0444)
 */
public record SecretReference(String secretId, String secretName, String target, int uid, int gid, int mode) {

    public static final int DEFAULT_MODE = 0444;
}
