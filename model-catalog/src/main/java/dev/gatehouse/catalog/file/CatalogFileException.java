package dev.gatehouse.catalog.file;

/** A declarative catalog file that cannot be applied; the message names the file's line. */
public final class CatalogFileException extends RuntimeException {

    CatalogFileException(String message) {
        super(message, null, false, false);
    }
}
