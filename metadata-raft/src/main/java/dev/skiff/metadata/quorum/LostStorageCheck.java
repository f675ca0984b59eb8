package dev.skiff.metadata.quorum;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a voter that lost its metadata storage from voting as if it still had its log. A voter
 * with an empty log votes for any candidate, so it could help elect a leader that lacks committed
 * entries. Before such a voter starts, it asks the other voters how they see it: if one of them
 * still lists it as a voter and last saw it hold a part of the log (a commit index above 0), its
 * storage was lost, and it refuses to start until an operator removes it from the quorum (after
 * which it joins as an observer, catches up, and can be added again). A voter of a new cluster,
 * or one starting late in a new cluster, was never seen with a log and starts.
 *
 * <p>What this cannot see: a voter that lost its storage while every other voter also restarted
 * (they then have no memory of its log); the check passes, as without it.
 */
final class LostStorageCheck {
    private static final Logger LOG = LoggerFactory.getLogger(LostStorageCheck.class);

    private final RaftGroup voters;
    private final RaftPeerId self;
    private final RaftProperties properties;

    LostStorageCheck(RaftGroup voters, RaftPeerId self, RaftProperties properties) {
        this.voters = voters;
        this.self = self;
        this.properties = properties;
    }

    /** @throws IOException naming what to do if another voter saw this one hold a log it no longer has */
    void check(Path storageDir) throws IOException {
        try (RaftClient probe = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(voters)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.noRetry())
                .build()) {
            for (RaftPeer voter : voters.getPeers()) {
                if (voter.getId().equals(self)) {
                    continue;
                }
                GroupInfoReply info;
                try {
                    info = probe.getGroupManagementApi(voter.getId()).info(voters.getGroupId());
                } catch (IOException | RuntimeException e) {
                    LOG.debug("voter {} did not answer the lost-storage check: {}", voter.getId(), e.toString());
                    continue;
                }
                if (!listsSelfAsVoter(info)) {
                    continue;
                }
                for (CommitInfoProto c : info.getCommitInfos()) {
                    if (RaftPeerId.valueOf(c.getServer().getId()).equals(self) && c.getCommitIndex() > 0) {
                        throw new IOException("node " + self + " is a voter of the metadata quorum, but its metadata"
                                + " storage " + storageDir + " is empty, while voter " + voter.getId() + " last saw it"
                                + " at Raft index " + c.getCommitIndex() + ": it lost the log it voted with, and must"
                                + " not vote again as if it had it. Remove it (skiff metadata-quorum remove-controller"
                                + " --controller-id " + self + "), start it again as a broker-only node"
                                + " (process.roles=broker, without itself in its controller.quorum.voters: it follows"
                                + " the log as an observer and catches up), then"
                                + " add it back (skiff metadata-quorum add-controller --controller-id " + self
                                + "), and give it back process.roles=broker,controller and its place in its own"
                                + " controller.quorum.voters for its next start");
                    }
                }
            }
        }
    }

    private boolean listsSelfAsVoter(GroupInfoReply info) {
        return info.getConf()
                .map(RaftConfigurationProto::getPeersList)
                .map(ProtoUtils::toRaftPeers)
                .map(peers -> peers.stream().anyMatch(p -> p.getId().equals(self)))
                .orElse(false);
    }
}
