package dev.skiff.client;

/**
 * A commit the group refused because this member cannot commit now: the group is rebalancing
 * ({@link Errors#REBALANCE_IN_PROGRESS}: call {@code poll} to finish the rebalance, then commit
 * again), or the member is no longer in the generation that owns the partitions ({@link
 * Errors#ILLEGAL_GENERATION}, {@link Errors#UNKNOWN_MEMBER_ID}, {@link Errors#FENCED_INSTANCE_ID}:
 * they may already belong to another member, whose reads will overlap with this one's). Not
 * retriable as is.
 */
public class CommitFailedException extends ApiException {
    private static final long serialVersionUID = 1L;

    public CommitFailedException(Errors error, String message) {
        super(error, message);
    }

    /** The exception for a commit refused with {@code error} in group {@code groupId}. */
    public static CommitFailedException of(Errors error, String groupId) {
        if (error == Errors.REBALANCE_IN_PROGRESS) {
            return new CommitFailedException(
                    error,
                    "Commit cannot be completed: group " + groupId + " is rebalancing. Call poll() to complete the"
                            + " rebalance, then commit the offsets of the partitions you still own.");
        }
        return new CommitFailedException(
                error,
                "Commit cannot be completed: this member is no longer part of generation of group " + groupId + " ("
                        + error + "), so its partitions may already be assigned to another member. This usually"
                        + " means poll() was not called within max.poll.interval.ms or the session expired;"
                        + " raise max.poll.interval.ms or lower max.poll.records.");
    }
}
