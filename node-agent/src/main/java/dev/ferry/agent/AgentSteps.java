package dev.ferry.agent;

import dev.ferry.agent.capability.CapabilityProbe;
import dev.ferry.agent.checkpoint.AbortRestoreStep;
import dev.ferry.agent.checkpoint.Admissions;
import dev.ferry.agent.checkpoint.CheckpointabilityCheck;
import dev.ferry.agent.checkpoint.DumpStep;
import dev.ferry.agent.checkpoint.EpochGuard;
import dev.ferry.agent.checkpoint.FinalizeStep;
import dev.ferry.agent.checkpoint.LazyDumpStep;
import dev.ferry.agent.checkpoint.PreDumpStep;
import dev.ferry.agent.checkpoint.PrepareRestoreStep;
import dev.ferry.agent.checkpoint.RestoreStep;
import dev.ferry.agent.checkpoint.ResumeOnSourceStep;
import dev.ferry.agent.container.ContainerManager;

/** Everything the agent can do on this node, one object per concern, as the gRPC edge sees it. */
public record AgentSteps(
    String node,
    CapabilityProbe capabilities,
    ContainerManager containers,
    CheckpointabilityCheck checkpointability,
    PreDumpStep preDump,
    DumpStep dump,
    LazyDumpStep lazyDump,
    PrepareRestoreStep prepareRestore,
    RestoreStep restore,
    ResumeOnSourceStep resumeOnSource,
    FinalizeStep finalizeSource,
    AbortRestoreStep abortRestore,
    EpochGuard epochs,
    Admissions admissions,
    dev.ferry.agent.transfer.SendImagesStep sendImages,
    dev.ferry.agent.transfer.AgentAdmission transferAdmission) {}
