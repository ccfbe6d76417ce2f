package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import dev.jdnn.engine.backend.PostOp;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitives one compiled operation executes, in order, with their arguments fixed at compile time. Build it with
 * {@link #add} and {@link #addReorder}, then {@link #compile()}: that creates every primitive and one user-owned
 * scratchpad as large as the largest any of them needs (they run one after another, so they share it). Running it
 * ({@link #execute}) allocates nothing.
 *
 * <p>Every primitive descriptor added must have been created with {@link PrimitiveAttributes} (scratchpad mode user).
 */
final class ExecutionPlan {

    /** A primitive to create, with its arguments other than the scratchpad. */
    private record Planned(String what, PrimitiveDesc desc, int[] kinds, OneDnnMemory[] memories) {
        MemoryDesc scratchpad() {
            return desc.query(dnnl_h.dnnl_query_scratchpad_md(), "scratchpad");
        }
    }

    /** One primitive execution with its argument list. */
    private record Step(Primitive primitive, Primitive.Arguments arguments, String what) {
    }

    private final NativeResources resources;
    private final OneDnnEngine engine;
    private final List<Planned> planned = new ArrayList<>();
    private PrimitiveAttributes reorderAttributes;
    private Step[] steps;

    /** A plan whose primitives and buffers belong to {@code resources}. */
    ExecutionPlan(NativeResources resources, OneDnnEngine engine) {
        this.resources = resources;
        this.engine = engine;
    }

    /**
     * Adds {@code desc}'s primitive, executed with each {@code DNNL_ARG_*} in {@code kinds} bound to the memory at the
     * same index; {@code what} names it in errors and in {@link #steps()}.
     */
    ExecutionPlan add(String what, PrimitiveDesc desc, int[] kinds, OneDnnMemory... memories) {
        requireNotCompiled();
        if (kinds.length != memories.length) {
            throw new IllegalArgumentException(what + ": " + kinds.length + " argument kinds for " + memories.length
                    + " memories");
        }
        planned.add(new Planned(what, desc, kinds.clone(), memories.clone()));
        return this;
    }

    /**
     * Adds a reorder from {@code from} to {@code to}, unless they are the same memory object (the chosen layout was
     * the plain one, so nothing to convert). Returns whether a reorder was added.
     */
    boolean addReorder(String what, OneDnnMemory from, OneDnnMemory to) {
        if (from == to) {
            return false;
        }
        requireNotCompiled();
        if (reorderAttributes == null) {
            reorderAttributes = PrimitiveAttributes.create(resources, PostOp.NONE);
        }
        add(what, PrimitiveDesc.reorder(resources, engine, from.desc(), to.desc(), reorderAttributes),
                new int[] {dnnl_h.DNNL_ARG_FROM(), dnnl_h.DNNL_ARG_TO()}, from, to);
        return true;
    }

    /**
     * The memory an operation should use for a caller's tensor described by {@code plain}: {@code user} itself when
     * the primitive chose the same layout ({@code chosen}), else a new buffer in the chosen layout.
     */
    OneDnnMemory memoryFor(OneDnnMemory user, MemoryDesc chosen) {
        return chosen.sameLayout(user.desc()) ? user : OneDnnMemory.allocate(resources, engine, chosen);
    }

    /** Creates every primitive and the shared scratchpad. */
    ExecutionPlan compile() {
        requireNotCompiled();
        long scratchpadBytes = 0;
        for (Planned p : planned) {
            scratchpadBytes = Math.max(scratchpadBytes, p.scratchpad().byteSize());
        }
        MemorySegment scratchpad = resources.buffer(scratchpadBytes);
        Step[] compiled = new Step[planned.size()];
        for (int i = 0; i < compiled.length; i++) {
            Planned p = planned.get(i);
            int[] kinds = p.kinds();
            OneDnnMemory[] memories = p.memories();
            MemoryDesc scratchpadDesc = p.scratchpad();
            if (scratchpadDesc.byteSize() > 0) {
                kinds = Arrays.copyOf(kinds, kinds.length + 1);
                memories = Arrays.copyOf(memories, memories.length + 1);
                kinds[kinds.length - 1] = dnnl_h.DNNL_ARG_SCRATCHPAD();
                memories[memories.length - 1] = OneDnnMemory.create(resources, engine, scratchpadDesc, scratchpad);
            }
            compiled[i] = new Step(p.desc().createPrimitive(resources),
                    Primitive.arguments(resources, kinds, memories), p.what());
        }
        steps = compiled;
        return this;
    }

    /** Runs every primitive in order on the engine's stream and waits for them. */
    void execute() {
        submit();
        engine.await();
    }

    /** Submits every primitive in order to the engine's stream without waiting (a later plan's run waits). */
    void submit() {
        if (steps == null) {
            throw new IllegalStateException("execution plan run before compile()");
        }
        OpenMpThreads.applyToCallingThread();
        for (Step step : steps) {
            step.primitive().execute(engine, step.arguments(), step.what());
        }
    }

    /** Whether the plan has no primitive. */
    boolean isEmpty() {
        return planned.isEmpty();
    }

    /** The names of the primitives, in run order. */
    List<String> steps() {
        return planned.stream().map(Planned::what).toList();
    }

    private void requireNotCompiled() {
        if (steps != null) {
            throw new IllegalStateException("execution plan changed after compile()");
        }
    }
}
