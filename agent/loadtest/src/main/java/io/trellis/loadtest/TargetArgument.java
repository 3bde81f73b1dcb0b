package io.trellis.loadtest;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --target HOST:PORT}. */
final class TargetArgument implements ITypeConverter<TargetAddress> {
    @Override
    public TargetAddress convert(String text) {
        try {
            return TargetAddress.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + text + "': " + e.getMessage());
        }
    }
}
