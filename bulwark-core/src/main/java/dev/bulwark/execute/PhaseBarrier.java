package dev.bulwark.execute;

/**
 * Where migrate stopped on its own: before the first pending {@code -- bulwark:phase contract}
 * migration, because the contract phase runs only when asked ({@code --phase contract}).
 *
 * @param id          the contract migration's id
 * @param description its description
 * @param waiting     pending migrations from it on, itself included, that did not run
 */
public record PhaseBarrier(String id, String description, int waiting) {
    /** One line for the user: where it stopped, why, and how to go on. */
    public String message() {
        return "Stopped at the phase barrier before " + id + " " + description + " (-- bulwark:phase contract; "
                + waiting + " migration" + (waiting == 1 ? "" : "s") + " waiting): release the application that no longer"
                + " needs the old schema, then run again with --phase contract";
    }
}
