package dev.switchboard.model.access;

import dev.switchboard.model.config.SubjectRef;
import java.util.List;

/**
 * Who is calling: the subject the access rules name, plus the teams a JWT claims (a user's teams from the config are
 * already part of the subject's grants). {@code credential} names the key or IdP used, for logs; never a secret.
 */
public record Principal(SubjectRef subject, List<String> claimedTeams, String credential) {
}
